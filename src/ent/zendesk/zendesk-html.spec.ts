import { htmlToText, splitAuthor, textToHtml } from './zendesk-html';

describe('Zendesk comment HTML', () => {
  it('reads what the ENT sends: the author line, <br/> line breaks, entities', () => {
    const text = htmlToText("Auteur : Claire Dubois<br/><br/>Le blog de CE2 &amp; celui de CM1<br/>affichent «&nbsp;erreur&nbsp;»&#33;");
    expect(text).toBe('Auteur : Claire Dubois\n\nLe blog de CE2 & celui de CM1\naffichent «\u00a0erreur\u00a0»!');
    expect(splitAuthor(text)).toEqual({ author: 'Claire Dubois', body: 'Le blog de CE2 & celui de CM1\naffichent «\u00a0erreur\u00a0»!' });
  });

  it('reads rich-editor HTML, drops scripts and comments, keeps a "<" that is not a tag', () => {
    const text = htmlToText('<p>Bonjour,</p><ul><li>un</li><li><strong>deux</strong></li></ul><script>alert(1)</script><!-- x --><p>3 < 5 et 7 > 2</p>');
    expect(text).toBe('Bonjour,\n- un\n- deux\n\n3 < 5 et 7 > 2');
  });

  it('leaves entities PostgreSQL could not store written out', () => {
    expect(htmlToText('a&#0;b&#xD800;c&#128512;')).toBe('a&#0;b&#xD800;c😀');
  });

  it('finds no author when the first line does not name one', () => {
    expect(splitAuthor('Bonjour\nAuteur : personne')).toEqual({ author: null, body: 'Bonjour\nAuteur : personne' });
  });

  it('writes a message as escaped paragraphs, without <br>, so the ENT never takes it for its own echo', () => {
    const html = textToHtml('Auteur : quelqu\'un\n\n<b>Réponse</b> & suite');
    expect(html).toBe('<div class="zd-comment" dir="auto"><p>Auteur : quelqu&#39;un</p><p>&lt;b&gt;Réponse&lt;/b&gt; &amp; suite</p></div>');
    expect(html).not.toContain('<br');
    expect(htmlToText(html)).toBe("Auteur : quelqu'un\n<b>Réponse</b> & suite");
  });
});
