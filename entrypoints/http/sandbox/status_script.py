"""The status page's script: listen to the student's own events (SSE) and refresh the
payment from the API on each, until the course is unlocked or the payment is final. When
the outcome changes, the next-step box is replaced by the one the server now renders."""

STATUS_SCRIPT = r"""
const q = (id) => document.getElementById(id);
const COURSE_WORDS = {active: 'Course unlocked', pending_payment: 'Course not unlocked yet',
                      revoked: 'Access to this course was removed'};
async function refresh() {
  const auth = {headers: {Authorization: 'Bearer ' + SANDBOX.token}};
  const p = await (await fetch('/api/v1/payments/' + SANDBOX.payment, auth)).json();
  const e = await (await fetch('/api/v1/enrollments/' + SANDBOX.enrollment, auth)).json();
  q('payment-status').textContent = p.status; q('payment-status').dataset.status = p.status;
  q('enrollment-status').textContent = COURSE_WORDS[e.status] || e.status;
  q('enrollment-status').dataset.status = e.status;
  q('message').textContent = p.user_message;
  const tone = {succeeded: 'ok', pending: 'wait', created: 'wait'}[p.status] || 'bad';
  q('payment-status').className = 'status ' + tone;
  const held = p.review_reason !== null && p.status !== 'refunded' &&
               p.status !== 'partially_refunded';
  const key = (held ? 'held' : p.status) + '/' + e.status + '/' + p.refunded_amount.amount;
  if (key !== SANDBOX.shown) { SANDBOX.shown = key; await nextStep(); }
  return p.status !== 'pending' && p.status !== 'created';
}
async function nextStep() {
  const html = await (await fetch(location.href, {credentials: 'same-origin'})).text();
  const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('next-step');
  if (fresh && q('next-step')) q('next-step').replaceWith(fresh);
}
const events = new EventSource('/api/v1/events?access_token=' + encodeURIComponent(SANDBOX.token));
events.onmessage = refresh;
['PaymentSucceeded','PaymentFailed','PaymentCancelled','PaymentExpired','EnrollmentActivated',
 'EnrollmentRevoked','PaymentRefunded'].forEach((t) => events.addEventListener(t, refresh));
events.addEventListener('ready', refresh);
setInterval(refresh, 5000);
"""
