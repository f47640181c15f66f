import { initAll } from '../govuk-frontend/govuk-frontend.min.js'
initAll()

// A page that answers a question (a point-of-care check) moves the focus to the answer,
// so a screen reader reads it and the screen shows it first.
const answer = document.querySelector('[data-fp-focus]')
if (answer) {
  answer.focus()
}
