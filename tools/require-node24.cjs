// Fails fast when a script runs on anything but the pinned Node 24 (see STACK.md):
// `npm run` puts node_modules/.bin/node first, but a skipped install script or a direct
// call would silently fall back to the machine's end-of-life Node 20.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `error: Leaf runs on Node 24 (pinned as the "node" dev dependency); this is Node ${process.versions.node}.\n` +
      'Run it through npm ("npm start", "npm test") after "npm install", which installs the pinned runtime.',
  );
  process.exit(1);
}
