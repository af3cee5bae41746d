# QuecPython osTimer: `import osTimer; t = osTimer()` - the module's import
# table maps the name to the class itself, and shim.install() does the same.
# start(initialTime_ms, cyclialEn, callback) -> 0; callback(arg) gets None.
# The class is all that loads at boot; its work is shim/_lib/timers.py's.
class osTimer:
    def start(self, initialTime, cyclialEn, callback):
        from shim._lib.later import part

        return part("_lib.timers").os_start(self, initialTime, cyclialEn, callback)

    def stop(self):
        from shim._lib.later import part

        part("_lib.timers").cancel(self)
        return 0

    def delete_timer(self):
        return self.stop()
