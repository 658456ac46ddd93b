// The web chat's page script (demo page and widget). Everything people or
// Relais wrote is put in the page with textContent: markup stays text.
'use strict';

(function () {
  const TOKEN_KEY = 'relais.webchat.token';
  const mode = document.body.dataset.mode;
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const composer = document.getElementById('composer');
  const input = document.getElementById('message');
  const picker = document.getElementById('picker');
  const who = document.getElementById('who');
  let token = sessionStorage.getItem(TOKEN_KEY);
  let events = null;
  let busy = false;

  function setStatus(text) {
    status.textContent = text;
  }

  function addMessage(message) {
    const item = document.createElement('li');
    item.className = 'message ' + (message.author === 'person' ? 'from-person' : message.author === 'staff' ? 'from-staff' : 'from-relais');
    const author = document.createElement('span');
    author.className = 'visually-hidden';
    author.textContent = message.author === 'person' ? 'Vous\u00a0: ' : 'Relais\u00a0: ';
    const text = document.createElement('p');
    text.className = 'text';
    text.textContent = message.text;
    item.append(author, text);
    if (message.ticket) item.dataset.ticket = message.ticket.reference;
    log.append(item);
    if (message.choices && message.choices.length) addChoices(item, message.choices);
    item.scrollIntoView({ block: 'end' });
  }

  /** Only the latest buttons are on offer: older ones are removed when anything new is said. */
  function clearChoices() {
    for (const group of log.querySelectorAll('.choices')) group.remove();
  }

  function addChoices(item, choices) {
    clearChoices();
    const group = document.createElement('div');
    group.className = 'choices';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Réponses proposées');
    for (const choice of choices) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'choice';
      button.dataset.choice = choice.id;
      button.textContent = choice.label;
      button.addEventListener('click', () => void sendTurn({ choice: choice.id }, choice.label));
      group.append(button);
    }
    item.append(group);
  }

  /** Reads a server-sent event stream from a fetch response (EventSource cannot send the Authorization header). */
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) onEvent(event, JSON.parse(data));
      }
    }
  }

  async function refusal(response) {
    try {
      const body = await response.json();
      return body.message || 'Je ne peux pas répondre pour le moment.';
    } catch {
      return 'Je ne peux pas répondre pour le moment. Réessayez dans un instant, s’il vous plaît.';
    }
  }

  async function openSession(person) {
    const response = await fetch('/webchat/api/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ person: person || null }),
    });
    if (!response.ok) {
      addMessage({ author: 'relais', text: await refusal(response) });
      return false;
    }
    const body = await response.json();
    token = body.token;
    sessionStorage.setItem(TOKEN_KEY, token);
    showWho(body.person);
    return true;
  }

  function showWho(name) {
    if (who) who.textContent = mode === 'demo' ? (name ? 'Vous êtes ' + name + ' (personne de démonstration).' : 'Vous êtes un visiteur anonyme.') : '';
  }

  /** The session's stream: the transcript, then what staff and Relais say later. Reconnects after a drop. */
  async function listen() {
    if (events) events.abort();
    const controller = new AbortController();
    events = controller;
    try {
      const response = await fetch('/webchat/api/events', { headers: { Authorization: 'Bearer ' + token }, signal: controller.signal });
      if (response.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        token = null;
        return;
      }
      await readEvents(response, (event, data) => {
        if (event === 'history') {
          log.replaceChildren();
          showWho(data.person);
          for (const message of data.messages) addMessage(message);
          document.body.dataset.ready = 'true';
        } else if (event === 'reply') addMessage(data);
      });
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    if (events === controller) setTimeout(() => void listen(), 2000);
  }

  async function sendTurn(part, shownAs) {
    if (busy) return;
    if (!token && !(await openSession(null))) return;
    busy = true;
    clearChoices();
    addMessage({ author: 'person', text: shownAs });
    setStatus('Relais écrit…');
    try {
      const response = await fetch('/webchat/api/turns', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
        body: JSON.stringify(part),
      });
      if (!response.ok) addMessage({ author: 'relais', text: await refusal(response) });
      else await readEvents(response, (event, data) => event === 'reply' && addMessage(data));
    } catch {
      addMessage({ author: 'relais', text: 'La connexion a été interrompue. Vérifiez votre réseau, puis réessayez.' });
    } finally {
      busy = false;
      setStatus('');
      input.focus();
    }
  }

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    void sendTurn({ text }, text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  async function start() {
    if (picker) {
      const response = await fetch('/webchat/api/people');
      const { available, people } = await response.json();
      if (available) {
        const select = picker.querySelector('select');
        for (const person of people) {
          const option = document.createElement('option');
          option.value = person.id;
          option.textContent = person.name + (person.profile ? ' — ' + profileName(person.profile) : '');
          select.append(option);
        }
        picker.hidden = false;
        // The demo's explanations only where demo people can be picked; elsewhere the page is a plain chat.
        for (const element of document.querySelectorAll('[data-demo-only]')) element.hidden = false;
        for (const element of document.querySelectorAll('.anonymous-intro')) element.hidden = true;
        picker.addEventListener('submit', async (event) => {
          event.preventDefault();
          log.replaceChildren();
          if (await openSession(select.value)) await startListening();
          input.focus();
        });
      }
    }
    if (!token && !(await openSession(null))) return;
    await startListening();
  }

  async function startListening() {
    document.body.dataset.ready = 'false';
    void listen();
  }

  function profileName(profile) {
    return { Teacher: 'enseignant', Personnel: 'personnel', Relative: 'parent', Student: 'élève', Guest: 'invité' }[profile] || profile;
  }

  void start();
})();
