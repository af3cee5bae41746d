"""Tests of one dialect: its codec and driver against golden bytes, fuzzed input,
and its simulator (qpyshim/modemsim/xbee/)."""
