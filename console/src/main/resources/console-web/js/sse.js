// Server-Sent Events over fetch. The browser's EventSource cannot send an Authorization header, and the API takes
// the agent from the bearer token only, so the console reads the text/event-stream itself (the same format: event,
// data, id and retry fields, comment lines, events ended by a blank line) and resumes with Last-Event-ID.

import {authorization, failure, url} from './api.js';

/**
 * Opens a stream of path; calls onEvent({event, data, id}) for each event, onEnd(reason) when the server closes it,
 * onError(error) when it fails (an ApiError for a refusal, with the API's status and message). Returns {close()}.
 */
export function openStream(path, {lastEventId, onOpen, onEvent, onEnd, onError}) {
  const controller = new AbortController();
  const state = {retry: 3000, lastEventId: lastEventId || null};
  (async () => {
    const headers = {Accept: 'text/event-stream', ...authorization()};
    if (state.lastEventId) {
      headers['Last-Event-ID'] = state.lastEventId;
    }
    const resp = await fetch(url(path), {headers, cache: 'no-store', credentials: 'omit', signal: controller.signal});
    if (!resp.ok) {
      onError(await failure(resp, true));
      return;
    }
    onOpen?.();
    const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data = [];
    let event = '';
    let id = null;
    const line = text => {
      if (text === '') {
        if (id !== null) {
          state.lastEventId = id;
        }
        if (data.length > 0) {
          onEvent({event: event || 'message', data: data.join('\n'), id: state.lastEventId});
        }
        data = [];
        event = '';
        id = null;
        return;
      }
      if (text.startsWith(':')) {
        return; // a comment: the server's keep-alive
      }
      const colon = text.indexOf(':');
      const field = colon < 0 ? text : text.slice(0, colon);
      let value = colon < 0 ? '' : text.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'data') {
        data.push(value);
      } else if (field === 'event') {
        event = value;
      } else if (field === 'id' && !value.includes('\0')) {
        id = value;
      } else if (field === 'retry' && /^\d+$/.test(value)) {
        state.retry = Number(value);
      }
    };
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        break;
      }
      buffer += value;
      for (;;) {
        const match = /\r\n|\n|\r(?=[^\n])/.exec(buffer);
        if (!match) {
          break;
        }
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    }
    onEnd?.('the server closed the stream');
  })().catch(e => {
    if (e.name !== 'AbortError') {
      onError(e);
    }
  });
  return {
    close: () => controller.abort(),
    get lastEventId() {
      return state.lastEventId;
    },
    get retry() {
      return state.retry;
    },
  };
}
