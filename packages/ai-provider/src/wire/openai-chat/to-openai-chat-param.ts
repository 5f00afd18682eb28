// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A field the core names in its errors (`error.field`, in the conversation's terms:
// `messages[1].toolCallId`, `tools[0].parameters`) -> the same field in an OpenAI chat request
// (`messages[3].tool_call_id`, `tools[0].function.parameters`), for OpenAI's `param`. Messages map
// one for one (from-openai-chat-messages.ts), so only an offset can separate their indexes: the
// route may send the core a tail of the request's messages.

// Each rewrite of a field's path, tried in order; the first that matches wins.
const FIELD_NAMES: Array<[RegExp, string]> = [
  [/^(messages\[\d+\])\.toolCallId$/, '$1.tool_call_id'],
  [/^(messages\[\d+\])\.toolCalls(\[\d+\])\.(name|arguments)$/, '$1.tool_calls$2.function.$3'],
  [/^(messages\[\d+\])\.toolCalls(.*)$/, '$1.tool_calls$2'],
  [/^(messages\[\d+\]\.content\[\d+\])\.url$/, '$1.image_url.url'],
  [/^(messages\[\d+\]\.content\[\d+\])\.data$/, '$1.file.file_data'],
  // An image's media type comes from its URL, a file's from its data URL: the part is at fault.
  [/^(messages\[\d+\]\.content\[\d+\])\.mediaType$/, '$1'],
  [/^(tools\[\d+\])\.(name|description|parameters|strict)$/, '$1.function.$2'],
  [/^toolChoice$/, 'tool_choice'],
  [/^responseFormat\.(name|schema|description|strict)$/, 'response_format.json_schema.$1'],
  [/^responseFormat$/, 'response_format'],
  [/^parallelToolCalls$/, 'parallel_tool_calls'],
  [/^maxTokens$/, 'max_completion_tokens'],
  [/^topP$/, 'top_p'],
  [/^prompt$/, 'messages']
]

/**
 * The OpenAI chat `param` for a core field. `messageOffset` is the index, in the request's
 * `messages`, of the first message the core was sent.
 */
export function toOpenAiChatParam (field: string, messageOffset = 0): string {
  const shifted = field.replace(/^messages\[(\d+)\]/, function shift (_match, index: string) {
    return `messages[${Number(index) + messageOffset}]`
  })
  for (const [pattern, replacement] of FIELD_NAMES) {
    if (pattern.test(shifted)) return shifted.replace(pattern, replacement)
  }
  return shifted
}
