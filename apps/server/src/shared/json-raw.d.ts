// JSON.rawJSON (Node 21+, TC39 "JSON.parse source text access"): writes a number's exact text.
interface JSON {
  rawJSON(text: string): unknown;
}
