// The web checkout: shows the session's quote and renders the step the backend sends, nothing more. No price, tax or
// payment logic lives here: amounts are printed as the backend computed them (minor units, formatted by currency).
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  // The app token rides in the fragment, which the browser never sends to a server (nor to its logs).
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') { e.textContent = v; } else { e.setAttribute(k, v); }
    }
    children.forEach((c) => e.appendChild(c));
    return e;
  }

  function money(amount, currency) {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(Number(amount) / Math.pow(10, digits));
  }

  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { 'authorization': 'Bearer ' + token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(json.message || ('HTTP ' + response.status));
      error.status = response.status;
      throw error;
    }
    return json;
  }

  function showQuote(q) {
    const rows = [['Price', q.listPrice], ['Discount', q.discount === '0' ? null : '-' + q.discount],
      [q.taxMode === 'VAT_INCLUDED' ? 'Incl. VAT' : 'Sales tax', q.tax], ['Total', q.total]];
    const table = el('table', { id: 'quote-table' });
    rows.filter((r) => r[1] !== null).forEach(([label, amount]) => {
      const negative = String(amount).startsWith('-');
      const value = money(negative ? String(amount).slice(1) : amount, q.currency);
      table.appendChild(el('tr', { 'data-line': label.toLowerCase().replace(/[^a-z]+/g, '-') },
        el('td', { text: label }), el('td', { class: 'amount', text: (negative ? '-' : '') + value })));
    });
    $('quote').replaceChildren(table);
    if (q.offerCode) { $('quote').appendChild(el('p', { id: 'offer', text: 'Offer ' + q.offerCode + ' applied' })); }
  }

  // While a payment is pending the page re-reads the session (a read: it asks nobody else), so the session moving on
  // by itself (billing's payment event finishing it) shows without the payer pressing anything.
  let refresh = null;

  function watch(session, step, seconds) {
    refresh = setTimeout(() => call('GET', '/v1/sessions/' + session.sessionId).then((now) => {
      if (now.nextStep.stepId !== step.stepId || now.state !== session.state) { render(now); } else { watch(now, step, seconds); }
    }, () => watch(session, step, seconds)), seconds * 1000);
  }

  function render(session) {
    clearTimeout(refresh);
    showQuote(session.quote);
    const step = session.nextStep;
    const box = $('step');
    box.setAttribute('data-step', step.stepId);
    const submit = (values) => call('POST', '/v1/sessions/' + session.sessionId + '/steps/' + step.stepId,
      { values }).then(render, fail);
    if (step.form) {
      const form = el('form', { id: 'form' }, el('h2', { text: step.form.title }));
      step.form.fields.forEach((f) => {
        const input = el('input', { name: f.name, id: 'field-' + f.name, placeholder: f.placeholder, value: f.value });
        const label = el('label', { for: 'field-' + f.name, text: f.label }, input);
        if (f.error) { label.appendChild(el('span', { class: 'error', id: 'error-' + f.name, text: f.error })); }
        form.appendChild(label);
      });
      form.appendChild(el('button', { type: 'submit', id: 'continue', text: 'Continue' }));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const values = {};
        step.form.fields.forEach((f) => { const v = form.elements[f.name].value; if (v) { values[f.name] = v; } });
        submit(values);
      });
      box.replaceChildren(form);
    } else if (step.paymentMethods) {
      const list = el('div', { id: 'methods' }, el('h2', { text: 'Pay ' + money(step.paymentMethods.amount,
        step.paymentMethods.currency) }));
      step.paymentMethods.methods.forEach((m) => {
        const fields = m.fields.map((name) => el('input', { name, id: 'pay-' + m.method + '-' + name,
          placeholder: name }));
        const button = el('button', { id: 'method-' + m.method, text: m.label });
        button.addEventListener('click', () => {
          const values = { method: m.method };
          fields.forEach((input) => { values[input.name] = input.value; });
          submit(values);
        });
        list.appendChild(el('div', { class: 'method' }, ...fields, button));
      });
      box.replaceChildren(list);
    } else if (step.paymentAction) {
      const a = step.paymentAction;
      const text = a.redirectUrl ? 'Continue at your bank or wallet' : a.threeDsUrl ? 'Confirm with your bank (3-D Secure)'
        : a.instructions ? a.instructions : 'Your payment is being processed';
      const link = a.redirectUrl || a.threeDsUrl;
      const parts = [el('h2', { text })];
      if (link) { parts.push(el('a', { id: 'action-link', href: link, target: '_blank', rel: 'noopener', text: link })); }
      const button = el('button', { id: 'continue', text: link ? 'I have confirmed' : 'Check again' });
      button.addEventListener('click', () => submit({}));
      parts.push(button);
      box.replaceChildren(el('div', { id: 'action' }, ...parts));
      if (a.pollAfterSeconds) { watch(session, step, Math.min(Number(a.pollAfterSeconds), 3)); }
    } else if (step.done) {
      const r = step.done.receipt;
      box.replaceChildren(el('div', { id: 'done' }, el('h2', { text: 'Thank you!' }),
        el('p', { id: 'receipt', text: 'Paid ' + money(r.total, r.currency) + ' (payment ' + r.paymentId + ')' })));
      // The plan the payment granted, as checkout recorded it.
      call('GET', '/v1/sessions/' + session.sessionId + '/entitlements').then((e) => {
        const granted = (e.entitlements || []).find((x) => x.paymentId === r.paymentId && x.active);
        if (granted) { $('done').appendChild(el('p', { id: 'plan', text: 'Your plan: ' + granted.planId })); }
      }, fail);
    } else if (step.error) {
      const parts = [el('p', { class: 'error', id: 'step-error', text: step.error.message })];
      if (step.error.retryable) {
        const button = el('button', { id: 'retry', text: 'Try again' });
        button.addEventListener('click', () => submit({}));
        parts.push(button);
      }
      box.replaceChildren(el('div', { id: 'error' }, ...parts));
    } else if (step.fallback) {
      box.replaceChildren(el('a', { id: 'fallback', href: step.fallback.url, text: 'Continue in the web checkout' }));
    }
  }

  function fail(error) {
    $('status').textContent = error.message;
    $('status').className = 'error';
  }

  // One request id per checkout this tab starts, sent again on every retry of its create (a lost answer, a reload):
  // the backend answers the session the first attempt made instead of starting a second one.
  function requestId(key) {
    const stored = sessionStorage.getItem(key);
    if (stored) { return stored; }
    const fresh = crypto.randomUUID();
    sessionStorage.setItem(key, fresh);
    return fresh;
  }

  // Retries the create when no answer came (the network) or the backend asks for it (HTTP 503), with the same body.
  async function create(body, attemptsLeft) {
    try {
      return await call('POST', '/v1/sessions', body);
    } catch (error) {
      const transient = error instanceof TypeError || [502, 503, 504].includes(error.status);
      if (!transient || attemptsLeft <= 1) { throw error; }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return create(body, attemptsLeft - 1);
    }
  }

  const start = {
    userId: params.get('user'), planId: params.get('plan'), country: params.get('country'), device: 'WEB',
    offerCode: params.get('offer') || '',
  };
  start.requestId = requestId('checkout-request:' + location.search);
  const existing = params.get('session');
  (existing ? call('GET', '/v1/sessions/' + encodeURIComponent(existing)) : create(start, 3))
    .then(render, fail);
}());
