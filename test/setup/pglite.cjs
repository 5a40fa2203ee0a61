process.env.HMS_TEST_BACKEND = 'pglite';
