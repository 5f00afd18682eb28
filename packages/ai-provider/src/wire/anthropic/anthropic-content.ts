// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Content parts, reasoning and provider hints -> Anthropic blocks (the request direction).
// Images go as `base64` or `url` sources; a PDF as a base64 `document`; the text files the
// conversation model accepts (plain text, Markdown, CSV, HTML, JSON) as `text` documents, which
// take only `text/plain`: their bytes decoded, their file name as the title.

import type { AiContent, AiContentPart, AiFilePart, AiImagePart } from '../../conversation/content.ts'
import type { AiReasoning } from '../../conversation/messages.ts'
import type { AiProviderData } from '../../conversation/tools.ts'
import type {
  AnthropicCacheControl, AnthropicContentBlock, AnthropicDocumentBlock, AnthropicImageBlock, AnthropicImageSource,
  AnthropicRedactedThinkingBlock, AnthropicTextBlock, AnthropicThinkingBlock
} from './types.ts'
import { dataUrlMediaType } from '../../conversation/validate.ts'

/** The namespace of Anthropic's provider data (`providerData.anthropic`). */
export const ANTHROPIC = 'anthropic'

/** What Anthropic keeps in `providerData.anthropic`. */
export interface AnthropicProviderData {
  /** A thinking block's signature. */
  signature?: string
  /** A redacted thinking block's encrypted `data`. */
  redactedData?: string
  /** The `cache_control` of the block, tool or system block it is on. */
  cacheControl?: AnthropicCacheControl
}

/** `providerData.anthropic`, when there is one. */
export function anthropicData (providerData: AiProviderData | undefined): AnthropicProviderData | undefined {
  const data = providerData?.[ANTHROPIC]
  return data === undefined || data === null || typeof data !== 'object' ? undefined : data as AnthropicProviderData
}

/** The `cache_control` a conversation item carries for Anthropic, if any. */
export function cacheControlOf (providerData: AiProviderData | undefined): AnthropicCacheControl | undefined {
  const control = anthropicData(providerData)?.cacheControl
  return control !== null && typeof control === 'object' ? control : undefined
}

/** Sets `cache_control` on a block (or tool) when the item carries one. */
export function withCacheControl<T extends { cache_control?: AnthropicCacheControl | null }> (block: T, providerData: AiProviderData | undefined): T {
  const control = cacheControlOf(providerData)
  if (control !== undefined) block.cache_control = control
  return block
}

/** A text block. */
export function textBlock (text: string, providerData?: AiProviderData): AnthropicTextBlock {
  const block: AnthropicTextBlock = { type: 'text', text }
  return withCacheControl(block, providerData)
}

/** An image part: a base64 source for a `data:` URL, a url source otherwise. */
export function imageBlock (part: AiImagePart): AnthropicImageBlock {
  let source: AnthropicImageSource
  const comma = part.url.indexOf(',')
  if (part.url.startsWith('data:') && comma !== -1) {
    const mediaType = part.mediaType ?? dataUrlMediaType(part.url) ?? 'image/png'
    source = { type: 'base64', media_type: mediaType as 'image/png', data: part.url.slice(comma + 1) }
  } else {
    source = { type: 'url', url: part.url }
  }
  const block: AnthropicImageBlock = { type: 'image', source }
  return withCacheControl(block, part.providerData)
}

/** A file part: a PDF as a base64 document, a text file as a text document. */
export function documentBlock (part: AiFilePart): AnthropicDocumentBlock {
  const block: AnthropicDocumentBlock = part.mediaType.toLowerCase() === 'application/pdf'
    ? { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: part.data } }
    : { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(part.data, 'base64').toString('utf8') } }
  if (part.filename !== undefined) block.title = part.filename
  return withCacheControl(block, part.providerData)
}

/** The block of each part type. */
export const ANTHROPIC_PART_BLOCKS: { readonly [T in AiContentPart['type']]: (part: Extract<AiContentPart, { type: T }>) => AnthropicContentBlock } = {
  text: function textPart (part) { return textBlock(part.text, part.providerData) },
  image: imageBlock,
  file: documentBlock
}

/** The blocks of a content (a string is one text block; an empty one, none). */
export function contentBlocks (content: AiContent): AnthropicContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [textBlock(content)]
  return content.map(function partBlock (part) {
    return (ANTHROPIC_PART_BLOCKS[part.type] as (part: AiContentPart) => AnthropicContentBlock)(part)
  })
}

/**
 * A reasoning block as Anthropic made it: `thinking` with its signature, `redacted_thinking`
 * with its data; undefined for reasoning another provider made (Anthropic would refuse it).
 */
export function reasoningBlock (reasoning: AiReasoning): AnthropicThinkingBlock | AnthropicRedactedThinkingBlock | undefined {
  const data = anthropicData(reasoning.providerData)
  if (typeof data?.redactedData === 'string') return { type: 'redacted_thinking', data: data.redactedData }
  if (typeof data?.signature === 'string') return { type: 'thinking', thinking: reasoning.text, signature: data.signature }
  return undefined
}
