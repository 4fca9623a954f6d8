module.exports = {
  displayName: 'salesforce-mirror-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/salesforce-mirror/data-access',
};
