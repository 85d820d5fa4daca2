// Sign in with an agent id and its secret (POST /v1/sessions): the token comes back and is kept in this tab.

import {signIn} from '../api.js';
import {h, notice, refusal, replace} from '../dom.js';

export function render(main, {message, after, onSignedIn}) {
  const agent = h('input', {id: 'agent', name: 'agentId', autocomplete: 'username', required: true, spellcheck: 'false',
    autocapitalize: 'off'});
  const secret = h('input', {id: 'secret', name: 'secret', type: 'password', autocomplete: 'current-password',
    required: true});
  const submit = h('button', {type: 'submit', id: 'sign-in'}, 'Sign in');
  const outcome = h('div', {id: 'signin-outcome'}, message ? notice(message, 'warning') : null);
  const form = h('form', {id: 'signin-form', method: 'post', novalidate: true},
    h('label', {for: 'agent'}, 'Agent id', agent),
    h('label', {for: 'secret'}, 'Secret', secret),
    submit);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!agent.value.trim() || !secret.value) {
      replace(outcome, notice('Type the agent id and its secret.', 'warning'));
      (agent.value.trim() ? secret : agent).focus();
      return;
    }
    submit.disabled = true;
    try {
      await signIn(agent.value.trim(), secret.value);
      secret.value = '';
      onSignedIn(after);
    } catch (err) {
      replace(outcome, refusal(err, 'Not signed in'));
      secret.select();
      secret.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, h('section', {class: 'signin panel', 'aria-labelledby': 'signin-title'},
    h('h1', {id: 'signin-title'}, 'sharedmemory console'),
    h('p', {class: 'muted'}, 'Sign in as an agent. You see and do what that agent may, nothing more: every request '
        + 'goes to the HTTP API with its token.'),
    outcome,
    form,
    h('p', {class: 'muted'}, 'The token is kept in this browser tab only, until it expires or you sign out.')));
  agent.focus();
  return null;
}
