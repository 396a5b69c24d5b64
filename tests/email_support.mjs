// Prints, as JSON, what caniemail's data marks unsupported ("errors") in the clients the
// newsletter must work in, for each email HTML file given: {file: {feature: [clients]}}.
import { caniemail } from 'caniemail';
import fs from 'node:fs';

const CLIENTS = ['gmail.*', 'outlook.windows', 'outlook.windows-mail', 'apple-mail.*'];
const report = {};
for (const file of process.argv.slice(2)) {
  const result = caniemail({ clients: CLIENTS, html: fs.readFileSync(file, 'utf8') });
  const errors = result.issues.errors;
  const byClient = errors instanceof Map ? Object.fromEntries(errors) : errors;
  const features = {};
  for (const [client, issues] of Object.entries(byClient)) {
    for (const issue of issues) (features[issue.title] ??= []).push(client);
  }
  report[file] = features;
}
console.log(JSON.stringify(report));
