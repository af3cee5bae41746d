# Alibaba Cloud's Alink JSON for a device's properties: posts, and the
# replies to the cloud's "set" requests.
import ujson


class Alink:
    def __init__(self, product_key, device_name):
        base = "/sys/%s/%s/thing/" % (product_key, device_name)
        self.post_topic = base + "event/property/post"
        self.set_topic = base + "service/property/set"
        self.set_reply_topic = base + "service/property/set_reply"
        self._id = 0

    def post(self, params):
        self._id += 1
        return ujson.dumps({"id": str(self._id), "version": "1.0", "params": params,
                            "method": "thing.event.property.post"})

    @staticmethod
    def parse_set(msg):
        """(request id, params) of a property set request; ValueError if malformed."""
        req = ujson.loads(msg)
        if not isinstance(req, dict) or not isinstance(req.get("params"), dict):
            raise ValueError("no params")
        return req.get("id", "0"), req["params"]

    @staticmethod
    def reply(req_id, code):
        return ujson.dumps({"id": req_id, "code": code, "data": {}})
