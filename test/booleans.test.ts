import test from 'ava'

import { parseBoolean } from '../src/oauth-connections/booleans.ts'
import { componentSchema } from '../src/spec/document.ts'
import { loadSpec } from '../src/spec/spec.ts'

const WORDS: [string, boolean][] = [
  ['1', true],
  ['true', true],
  ['yes', true],
  ['on', true],
  ['0', false],
  ['false', false],
  ['no', false],
  ['off', false],
]

/** The word as written in lower case, upper case, capitalized and in alternating case. */
function casings(word: string): string[] {
  const capitalized = word.charAt(0).toUpperCase() + word.slice(1)
  const alternating = [...word].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('')
  return [...new Set([word, word.toUpperCase(), capitalized, alternating])]
}

const booleanText = new RegExp(componentSchema(loadSpec().document, 'BooleanText').pattern!)

for (const [word, meaning] of WORDS) {
  test(`parseBoolean reads ${JSON.stringify(word)} in any case as ${meaning}`, (t) => {
    const spellings = casings(word)

    const read = spellings.map((spelling) => parseBoolean(spelling))

    t.deepEqual(
      read,
      spellings.map(() => meaning),
    )
  })

  test(`the spec's BooleanText accepts ${JSON.stringify(word)} in any case`, (t) => {
    const spellings = casings(word)

    const accepted = spellings.filter((spelling) => booleanText.test(spelling))

    t.deepEqual(accepted, spellings)
  })
}

test(`the spec's BooleanText rejects words parseBoolean does not read`, (t) => {
  const words = ['', '2', 'y', 'n', 't', 'f', 'truee', 'nope', ' true', 'of']

  const accepted = words.filter((word) => booleanText.test(word))

  t.deepEqual(accepted, [])
})
