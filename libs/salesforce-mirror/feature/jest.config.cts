module.exports = {
  displayName: 'salesforce-mirror-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/salesforce-mirror/feature',
};
