// Formats that name their SSE events (Anthropic Messages, OpenAI Responses) send the data's `type`
// on the `event:` line too: `event: message_start` / `event: response.created`.

/** The SSE event name of a frame: its data's `type`, or undefined when the data has none (or is not JSON). */
export function eventNameOfType (payload: string): string | undefined {
  try {
    const type = JSON.parse(payload)?.type
    return typeof type === 'string' ? type : undefined
  } catch {
    return undefined
  }
}
