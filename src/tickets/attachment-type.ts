import { parseContentType } from '../common/http/body-parsing';

const OOXML = 'application/vnd.openxmlformats-officedocument';
const ODF = 'application/vnd.oasis.opendocument';

/** What a school sends support by default: screenshots and photos, documents, exports, archives, short screen recordings. */
export const DEFAULT_ATTACHMENT_TYPES: readonly string[] = [
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff', 'image/heic',
  'application/pdf', 'text/plain', 'text/csv',
  'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  `${OOXML}.wordprocessingml.document`, `${OOXML}.spreadsheetml.sheet`, `${OOXML}.presentationml.presentation`,
  `${ODF}.text`, `${ODF}.spreadsheet`, `${ODF}.presentation`,
  'application/zip', 'video/mp4', 'video/quicktime',
];

const starts = (...bytes: number[]) => (head: Buffer) => bytes.every((b, i) => head[i] === b);
const ascii = (text: string, at = 0) => (head: Buffer) => head.subarray(at, at + text.length).toString('latin1') === text;
const zip = (head: Buffer) => starts(0x50, 0x4b, 0x03, 0x04)(head) || starts(0x50, 0x4b, 0x05, 0x06)(head);
const ole = starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
const isoMedia = ascii('ftyp', 4);
/** Text: no NUL byte in what we look at (binary files have some early on). */
const text = (head: Buffer) => !head.includes(0);

/** How the content of each type begins; a type without a check here (one added by configuration) is taken on trust. */
const CONTENT_CHECKS: Record<string, (head: Buffer) => boolean> = {
  'image/png': starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  'image/jpeg': starts(0xff, 0xd8, 0xff),
  'image/gif': (head) => ascii('GIF87a')(head) || ascii('GIF89a')(head),
  'image/webp': (head) => ascii('RIFF')(head) && ascii('WEBP', 8)(head),
  'image/bmp': ascii('BM'),
  'image/tiff': (head) => starts(0x49, 0x49, 0x2a, 0x00)(head) || starts(0x4d, 0x4d, 0x00, 0x2a)(head),
  'image/heic': isoMedia,
  'application/pdf': ascii('%PDF-'),
  'text/plain': text,
  'text/csv': text,
  'application/msword': ole,
  'application/vnd.ms-excel': ole,
  'application/vnd.ms-powerpoint': ole,
  [`${OOXML}.wordprocessingml.document`]: zip,
  [`${OOXML}.spreadsheetml.sheet`]: zip,
  [`${OOXML}.presentationml.presentation`]: zip,
  [`${ODF}.text`]: zip,
  [`${ODF}.spreadsheet`]: zip,
  [`${ODF}.presentation`]: zip,
  'application/zip': zip,
  'video/mp4': isoMedia,
  'video/quicktime': isoMedia,
};

/** Types told by the file name when the sender gave none (the ENT sends what its workspace recorded, which may be nothing). */
const BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp',
  tif: 'image/tiff', tiff: 'image/tiff', heic: 'image/heic', pdf: 'application/pdf', txt: 'text/plain', log: 'text/plain',
  csv: 'text/csv', doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint',
  docx: `${OOXML}.wordprocessingml.document`, xlsx: `${OOXML}.spreadsheetml.sheet`, pptx: `${OOXML}.presentationml.presentation`,
  odt: `${ODF}.text`, ods: `${ODF}.spreadsheet`, odp: `${ODF}.presentation`, zip: 'application/zip', mp4: 'video/mp4', mov: 'video/quicktime',
};

/** Other spellings of the same types. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/x-png': 'image/png', 'image/x-ms-bmp': 'image/bmp',
  'application/csv': 'text/csv', 'text/x-csv': 'text/csv', 'application/x-zip-compressed': 'application/zip', 'application/x-pdf': 'application/pdf',
};

/** Said by a sender that does not know the type. */
const UNKNOWN = new Set(['application/octet-stream', 'binary/octet-stream', 'application/x-download', 'application/unknown']);

/** Enough of the file to tell its type. */
const HEAD_BYTES = 8192;

/**
 * The type a file is kept as: the declared one (or, when none is declared, the
 * one its name tells), if it is accepted and the content looks like it.
 */
export function checkAttachmentType(
  file: { declared: string | undefined; fileName: string; content: Buffer },
  accepted: readonly string[],
): { contentType: string } | { refused: string } {
  const parsed = file.declared?.trim() ? parseContentType(file.declared) : null;
  if (file.declared?.trim() && !parsed) return { refused: `the Content-Type "${file.declared}" does not parse` };
  const declared = parsed ? (ALIASES[parsed.type] ?? parsed.type) : undefined;
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(file.fileName)?.[1]?.toLowerCase();
  const type = declared && !UNKNOWN.has(declared) ? declared : extension ? BY_EXTENSION[extension] : undefined;
  if (!type) return { refused: `the type of "${file.fileName}" cannot be told: send its Content-Type` };
  if (!accepted.includes(type)) return { refused: `files of type ${type} are not accepted (accepted: ${accepted.join(', ')})` };
  const check = CONTENT_CHECKS[type];
  if (check && !check(file.content.subarray(0, HEAD_BYTES))) return { refused: `the content of "${file.fileName}" is not ${type}` };
  return { contentType: type };
}
