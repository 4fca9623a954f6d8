module.exports = {
  displayName: 'task-ledger',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/task-ledger',
};
