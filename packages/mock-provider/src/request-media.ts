import type { MockRequest } from './types.ts'

/** An image or file a recorded request carried, in either wire format. */
export interface MockMedia {
  /** `image` (OpenAI `image_url`, Gemini data of an `image/*` type) or `file` (OpenAI `file`, other Gemini data). */
  kind: 'image' | 'file'
  /** Index of the message (OpenAI `messages`, Gemini `contents`) it was in. */
  message: number
  /** The URL as sent: `https://…`, `data:<type>;base64,…` (Gemini `inlineData` rebuilt as one), or Gemini's `fileData.fileUri`. */
  url: string
  /** The media type when the request said it (Gemini `mimeType`, OpenAI `data:` URLs). */
  mediaType?: string
  /** OpenAI `image_url.detail`. */
  detail?: string
  /** OpenAI `file.filename`. */
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
  const messages: unknown = gemini ? request.body?.contents : request.body?.messages
  const media: MockMedia[] = []
  if (!Array.isArray(messages)) return media
  messages.forEach(function messageMedia (message: any, index: number) {
    const parts: unknown = gemini ? message?.parts : message?.content
    if (!Array.isArray(parts)) return
    for (const part of parts) {
      const found = gemini ? geminiPart(part, index) : openAiPart(part, index)
      if (found !== undefined) media.push(found)
    }
  })
  return media
}
