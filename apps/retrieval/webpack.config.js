const { composePlugins, withNx } = require('@nx/webpack');

// Nx bundles the workspace libs into main.js; node_modules stay external and are
// installed from the generated package.json in the image.
module.exports = composePlugins(withNx(), (config) => config);
