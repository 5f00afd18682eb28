import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toOpenAiChatParam } from '../../../src/wire/openai-chat/to-openai-chat-param.ts'

test('the core\'s fields are named in OpenAI\'s terms', () => {
  const rows: Array<[string, number, string]> = [
    ['messages[1].toolCallId', 0, 'messages[1].tool_call_id'],
    ['messages[0].toolCallId', 3, 'messages[3].tool_call_id'],
    ['messages[2].toolCalls[1].name', 0, 'messages[2].tool_calls[1].function.name'],
    ['messages[2].toolCalls[1].id', 0, 'messages[2].tool_calls[1].id'],
    ['messages[2].content[1].url', 1, 'messages[3].content[1].image_url.url'],
    ['messages[2].content[1].data', 0, 'messages[2].content[1].file.file_data'],
    ['messages[2].content[1].mediaType', 0, 'messages[2].content[1]'],
    ['messages[4].content', 2, 'messages[6].content'],
    ['tools[1].name', 0, 'tools[1].function.name'],
    ['tools[0].parameters', 5, 'tools[0].function.parameters'],
    ['toolChoice', 0, 'tool_choice'],
    ['responseFormat.name', 0, 'response_format.json_schema.name'],
    ['responseFormat.schema', 0, 'response_format.json_schema.schema'],
    ['responseFormat', 0, 'response_format'],
    ['maxTokens', 0, 'max_completion_tokens'],
    ['topP', 0, 'top_p'],
    ['temperature', 0, 'temperature'],
    ['prompt', 0, 'messages']
  ]
  for (const [field, offset, param] of rows) assert.equal(toOpenAiChatParam(field, offset), param, field)
})
