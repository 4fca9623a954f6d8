module.exports = {
  displayName: 'agent-dispatcher-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/agent-dispatcher/feature',
};
