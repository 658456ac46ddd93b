import { checkAttachmentType, DEFAULT_ATTACHMENT_TYPES } from './attachment-type';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PDF = Buffer.from('%PDF-1.7\n…');
const DOCX = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0]);
const check = (declared: string | undefined, fileName: string, content: Buffer, accepted = DEFAULT_ATTACHMENT_TYPES) =>
  checkAttachmentType({ declared, fileName, content }, accepted);

describe('attachment types', () => {
  it('keeps a declared type the content matches, with its parameters dropped and its aliases read', () => {
    expect(check('image/png', 'capture.png', PNG)).toEqual({ contentType: 'image/png' });
    expect(check('Application/PDF; name="x.pdf"', 'x.pdf', PDF)).toEqual({ contentType: 'application/pdf' });
    expect(check('image/x-png', 'capture', PNG)).toEqual({ contentType: 'image/png' });
    expect(check('text/plain; charset=utf-8', 'journal.txt', Buffer.from('Erreur 500 à 10 h'))).toEqual({ contentType: 'text/plain' });
  });

  it('tells the type by the file name when none (or octet-stream) is declared', () => {
    expect(check(undefined, 'emploi du temps.docx', DOCX)).toEqual({ contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(check('application/octet-stream', 'scan.PDF', PDF)).toEqual({ contentType: 'application/pdf' });
    expect(check('', 'capture.png', PNG)).toEqual({ contentType: 'image/png' });
  });

  it('refuses a content that is not what it says', () => {
    expect(check('image/png', 'capture.png', PDF)).toEqual({ refused: 'the content of "capture.png" is not image/png' });
    expect(check('text/plain', 'notes.txt', PNG)).toMatchObject({ refused: expect.stringContaining('is not text/plain') });
    expect(check(undefined, 'rapport.pdf', DOCX)).toMatchObject({ refused: expect.stringContaining('is not application/pdf') });
  });

  it('refuses types not accepted, and files whose type cannot be told', () => {
    expect(check('application/x-msdownload', 'setup.exe', Buffer.from('MZ'))).toMatchObject({ refused: expect.stringContaining('application/x-msdownload are not accepted') });
    expect(check('text/html', 'page.html', Buffer.from('<html>'))).toMatchObject({ refused: expect.stringContaining('not accepted') });
    expect(check(undefined, 'fichier', PNG)).toMatchObject({ refused: expect.stringContaining('cannot be told') });
    expect(check('image', 'capture.png', PNG)).toMatchObject({ refused: expect.stringContaining('does not parse') });
  });

  it('follows the configured list, taking on trust a type it has no check for', () => {
    expect(check('image/png', 'capture.png', PNG, ['application/pdf'])).toMatchObject({ refused: expect.any(String) });
    expect(check('audio/mpeg', 'message.mp3', Buffer.from('ID3'), ['audio/mpeg'])).toEqual({ contentType: 'audio/mpeg' });
  });
});
