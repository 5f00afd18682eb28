import type { MockRequest } from './types.ts'

/** An image or file a recorded request carried, in either wire format. */
export interface MockMedia {
  /** `image` (OpenAI `image_url`, Gemini data of an `image/*` type) or `file` (OpenAI `file`, other Gemini data). */
  kind: 'image' | 'file'
  /** Index of the message (OpenAI `messages`, Responses `input`, Gemini `contents`) it was in. */
  message: number
  /** The URL as sent: `https://…`, `data:<type>;base64,…` (Gemini `inlineData` rebuilt as one), Gemini's `fileData.fileUri`, Responses' `file_url`. */
  url: string
  /** The media type when the request said it (Gemini `mimeType`, OpenAI `data:` URLs). */
  mediaType?: string
  /** OpenAI `image_url.detail` (Responses `input_image.detail`). */
  detail?: string
  /** OpenAI `file.filename` (Responses `input_file.filename`). */
  filename?: string
}

function dataUrlType (url: string): string | undefined {
  return /^data:([^;,]+)/.exec(url)?.[1]
}

function openAiPart (part: any, message: number): MockMedia | undefined {
  if (part?.type === 'image_url' && typeof part.image_url?.url === 'string') {
    const media: MockMedia = { kind: 'image', message, url: part.image_url.url }
    const mediaType = dataUrlType(part.image_url.url)
    if (mediaType !== undefined) media.mediaType = mediaType
    if (typeof part.image_url.detail === 'string') media.detail = part.image_url.detail
    return media
  }
  if (part?.type === 'file' && typeof part.file?.file_data === 'string') {
    const media: MockMedia = { kind: 'file', message, url: part.file.file_data }
    const mediaType = dataUrlType(part.file.file_data)
    if (mediaType !== undefined) media.mediaType = mediaType
    if (typeof part.file.filename === 'string') media.filename = part.file.filename
    return media
  }
  return undefined
}

/** A Responses content part: `input_image` (`image_url`) or `input_file` (`file_data` or `file_url`); parts by `file_id` are skipped. */
function responsesPart (part: any, message: number): MockMedia | undefined {
  const image = part?.type === 'input_image' && typeof part.image_url === 'string'
  const url = image ? part.image_url : part?.type === 'input_file' ? part.file_data ?? part.file_url : undefined
  if (typeof url !== 'string') return undefined
  const media: MockMedia = { kind: image ? 'image' : 'file', message, url }
  const mediaType = dataUrlType(url)
  if (mediaType !== undefined) media.mediaType = mediaType
  if (image && typeof part.detail === 'string') media.detail = part.detail
  if (!image && typeof part.filename === 'string') media.filename = part.filename
  return media
}

function geminiPart (part: any, message: number): MockMedia | undefined {
  const inline = part?.inlineData
  if (typeof inline?.mimeType === 'string' && typeof inline.data === 'string') {
    const kind = inline.mimeType.startsWith('image/') ? 'image' : 'file'
    return { kind, message, url: `data:${inline.mimeType};base64,${inline.data}`, mediaType: inline.mimeType }
  }
  const file = part?.fileData
  if (typeof file?.fileUri === 'string') {
    const media: MockMedia = { kind: typeof file.mimeType === 'string' && !file.mimeType.startsWith('image/') ? 'file' : 'image', message, url: file.fileUri }
    if (typeof file.mimeType === 'string') media.mediaType = file.mimeType
    return media
  }
  return undefined
}

/** The images and files of a recorded request, in order. */
export function requestMedia (request: MockRequest): MockMedia[] {
  const gemini = request.provider === 'gemini'
  const responses = request.provider === 'openai-responses'
  const messages: unknown = gemini ? request.body?.contents : responses ? request.body?.input : request.body?.messages
  const media: MockMedia[] = []
  if (!Array.isArray(messages)) return media
  const readPart = gemini ? geminiPart : responses ? responsesPart : openAiPart
  messages.forEach(function messageMedia (message: any, index: number) {
    const parts: unknown = gemini ? message?.parts : message?.content
    if (!Array.isArray(parts)) return
    for (const part of parts) {
      const found = readPart(part, index)
      if (found !== undefined) media.push(found)
    }
  })
  return media
}
