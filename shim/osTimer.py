# QuecPython osTimer: `import osTimer; t = osTimer()` - the module's import
# table maps the name to the class itself, and shim.install() does the same.
# start(initialTime_ms, cyclialEn, callback) -> 0; callback(arg) gets None.
class osTimer:
    def start(self, initialTime, cyclialEn, callback):
        if not isinstance(initialTime, int) or initialTime < 0:
            raise ValueError("initialTime should be a time in ms >= 0")
        if initialTime > 0x7FFFFFFF:  # the module reads it into its 32-bit word
            raise OverflowError("overflow converting long int to machine word")
        if cyclialEn not in (0, 1):
            raise ValueError("cyclialEn should be 0 or 1")
        if not callable(callback):
            raise TypeError("callback should be callable")
        from shim._lib import timers as _timers

        _timers.arm(self, initialTime or 1, cyclialEn, callback, None)
        return 0

    def stop(self):
        from shim._lib import timers as _timers

        _timers.cancel(self)
        return 0

    def delete_timer(self):
        return self.stop()
