// Waiting pages poll the exercise's state and say when it has moved on; they never reload
// by themselves, so nothing a participant is typing is lost.
for (const el of document.querySelectorAll('[data-fp-poll]')) {
  const url = el.dataset.fpPoll
  const state = el.dataset.fpState
  const notice = document.getElementById(el.dataset.fpNotice)
  const every = Number(el.dataset.fpEvery || 5) * 1000
  const timer = setInterval(async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok) return
      const data = await response.json()
      if (data.state !== state && notice) {
        notice.hidden = false
        clearInterval(timer)
      }
    } catch (e) { /* offline for a moment: try again next time */ }
  }, every)
}
