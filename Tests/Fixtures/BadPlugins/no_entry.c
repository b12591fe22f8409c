/* Test fixture libNoEntry.so: a valid shared object that does not export channelkit_plugin_entry. */
int fixture_no_entry_answer(void);

int fixture_no_entry_answer(void) { return 42; }
