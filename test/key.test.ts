import test from 'ava'

import { uniqueKey } from '../src/oauth-connections/key.ts'

const nothingTaken = () => false

function takenFrom(keys: string[]): (key: string) => boolean {
  const taken = new Set(keys)
  return (key) => taken.has(key)
}

const slugs: [string | null | undefined, string][] = [
  ['Salesforce CRM', 'salesforce-crm'],
  ['Salesforce Production', 'salesforce-production'],
  ['HubSpot - Marketing', 'hubspot-marketing'],
  ['  Zendesk   Support!! ', 'zendesk-support'],
  ['Microsoft Dynamics 365', 'microsoft-dynamics-365'],
  ['Café Déjà Vu', 'cafe-deja-vu'],
  ['Ångström São Paulo Müller', 'angstrom-sao-paulo-muller'],
  ['CRM (EU) / Leads & Calls', 'crm-eu-leads-calls'],
  ['', 'oauth-connection'],
  ['   ', 'oauth-connection'],
  ['!!! ---', 'oauth-connection'],
  ['日本語', 'oauth-connection'],
  [null, 'oauth-connection'],
  [undefined, 'oauth-connection'],
]

for (const [name, expected] of slugs) {
  test(`uniqueKey makes ${JSON.stringify(name)} into ${expected}`, (t) => {
    const key = uniqueKey(name, nothingTaken)

    t.is(key, expected)
  })
}

test('uniqueKey keeps a long name to 60 characters, without a dash at the end', (t) => {
  const name = `${'a'.repeat(59)} ${'b'.repeat(40)}`

  const key = uniqueKey(name, nothingTaken)

  t.is(key, 'a'.repeat(59))
})

test('uniqueKey keeps only URL-safe characters, whatever the name', (t) => {
  const names = ['Über "quoted" <tag>', 'tab\tand\nnewline', 'emoji 🚀 launch', '100% done?']

  const keys = names.map((name) => uniqueKey(name, nothingTaken))

  t.deepEqual(keys, ['uber-quoted-tag', 'tab-and-newline', 'emoji-launch', '100-done'])
})

test('uniqueKey adds -2 when the slug is taken', (t) => {
  const key = uniqueKey('Salesforce CRM', takenFrom(['salesforce-crm']))

  t.is(key, 'salesforce-crm-2')
})

test('uniqueKey counts up past every taken suffix', (t) => {
  const taken = ['salesforce-crm', 'salesforce-crm-2', 'salesforce-crm-3']

  const key = uniqueKey('Salesforce CRM', takenFrom(taken))

  t.is(key, 'salesforce-crm-4')
})

test('uniqueKey numbers the fallback key too', (t) => {
  const key = uniqueKey('', takenFrom(['oauth-connection']))

  t.is(key, 'oauth-connection-2')
})

test('uniqueKey gives the plain slug when only suffixed keys are taken', (t) => {
  const key = uniqueKey('Salesforce CRM', takenFrom(['salesforce-crm-2']))

  t.is(key, 'salesforce-crm')
})

test('uniqueKey never gives a key that is taken, for names that look like suffixes', (t) => {
  const taken: string[] = []
  const isTaken = (key: string) => taken.includes(key)

  for (const name of ['Salesforce CRM 2', 'Salesforce CRM', 'Salesforce CRM', 'Salesforce CRM 3']) {
    taken.push(uniqueKey(name, isTaken))
  }

  t.deepEqual(taken, [
    'salesforce-crm-2',
    'salesforce-crm',
    'salesforce-crm-3',
    'salesforce-crm-3-2',
  ])
})
