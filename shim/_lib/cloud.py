# What QuecPython's two cloud clients (aLiYun, TenCentYun) do alike over the
# shim's umqtt: the app's message callback, the error callback, subscribe,
# ping and the link state. Each subclass signs its own login and keeps the
# module's own publish and listener.


class Client:
    mqtt_client = None
    recvCb = None
    error_callback = None
    listen_task_id = None

    def proc(self, topic, msg):
        return self.recvCb(topic, msg)

    def setCallback(self, callback):
        if not callable(callback):
            raise TypeError("callback must be callable")
        self.recvCb = callback

    callback = setCallback  # the modules expose both names

    def error_register_cb(self, callback):
        if not callable(callback):
            raise TypeError("callback must be callable")
        self.error_callback = callback
        if self.mqtt_client is not None:
            self.mqtt_client.error_register_cb(callback)

    def _attach(self, c):
        # The new umqtt client reports to what the app registered so far.
        c.set_callback(self.proc)
        if self.error_callback is not None:
            c.error_register_cb(self.error_callback)
        return c

    def subscribe(self, topic, qos=0):
        try:
            self.mqtt_client.subscribe(topic, qos)
            return 0
        except OSError as e:
            print("[WARNING] subscribe failed. OSError : %s" % str(e))
            return -1

    def ping(self):
        self.mqtt_client.ping()

    def _state(self):
        if self.mqtt_client is not None:
            return self.mqtt_client.get_mqttsta()
        return -1
