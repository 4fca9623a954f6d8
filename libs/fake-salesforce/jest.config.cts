module.exports = {
  displayName: 'fake-salesforce',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/fake-salesforce',
};
