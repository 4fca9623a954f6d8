module.exports = {
  displayName: 'salesforce-mirror-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/salesforce-mirror/domain',
};
