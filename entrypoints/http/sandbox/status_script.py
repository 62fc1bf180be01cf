"""The status page's script: listen to the student's own events (SSE) and refresh the
payment from the API on each, until the course is unlocked or the payment is final."""

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
  return p.status !== 'pending' && p.status !== 'created';
}
const events = new EventSource('/api/v1/events?access_token=' + encodeURIComponent(SANDBOX.token));
events.onmessage = refresh;
['PaymentSucceeded','PaymentFailed','PaymentCancelled','PaymentExpired','EnrollmentActivated',
 'EnrollmentRevoked','PaymentRefunded'].forEach((t) => events.addEventListener(t, refresh));
events.addEventListener('ready', refresh);
setInterval(refresh, 5000);
"""
