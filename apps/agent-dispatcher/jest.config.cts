module.exports = {
  displayName: 'agent-dispatcher',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/agent-dispatcher',
};
