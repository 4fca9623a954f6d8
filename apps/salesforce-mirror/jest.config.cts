module.exports = {
  displayName: 'salesforce-mirror',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/salesforce-mirror',
};
