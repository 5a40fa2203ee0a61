'use strict';
// The compiled module; absent where it could not be built (then the server simply does not trim).
module.exports = require('./build/Release/malloc_trim.node');
