#!/bin/sh
# Stands in for the unit tests when configure did not find CUnit: the suite
# is not run in part, it fails and says what to install (exit 99 is a hard
# error for automake's test driver, never a skip).
echo "ERROR: the unit tests need CUnit: install the Debian package 'libcunit1-dev' (apt-get install libcunit1-dev), then run ./configure again" >&2
exit 99
