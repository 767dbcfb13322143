#!/usr/bin/python3
"""Play NetworkManager towards its openvpn plugin service: ask the
nm-openvpn-service at BUS_NAME to Connect a TLS connection, record the
Config / Ip4Config / Ip6Config signals it emits (one JSON line each, the
way nm_listener.py records the helper's calls) to OUT, then Disconnect.

    nm_connect.py BUS_ADDRESS BUS_NAME OUT REMOTE CA CERT KEY
"""
import json
import subprocess
import sys
import uuid

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from nm_listener import plain  # noqa: E402

IFACE = "org.freedesktop.NetworkManager.VPN.Plugin"
PATH = "/org/freedesktop/NetworkManager/VPN/Plugin"


def main():
    address, name, out, remote, ca, cert, key = sys.argv[1:8]
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    loop = GLib.MainLoop()
    seen = {}

    def record(method):
        def handler(cfg):
            with open(out, "a") as f:
                f.write(json.dumps({"method": method,
                                    "config": plain("", cfg)},
                                   sort_keys=True) + "\n")
            seen[method] = True
            if "SetIp4Config" in seen and "SetConfig" in seen:
                GLib.timeout_add(500, loop.quit)
        return handler

    for sig in ("Config", "Ip4Config", "Ip6Config"):
        bus.add_signal_receiver(record("Set" + sig), sig, IFACE, name, PATH)
    bus.add_signal_receiver(lambda r: (print("failure", r), loop.quit()),
                            "Failure", IFACE, name, PATH)
    data = dbus.Dictionary({"remote": remote, "connection-type": "tls",
                            "ca": ca, "cert": cert, "key": key},
                           signature="ss")
    conn = {
        "connection": {"id": "dcovpn-test", "uuid": str(uuid.uuid4()),
                       "type": "vpn"},
        "vpn": {"service-type": "org.freedesktop.NetworkManager.openvpn",
                "data": data,
                "secrets": dbus.Dictionary({}, signature="ss")},
    }
    plugin = bus.get_object(name, PATH)
    plugin.Connect(conn, dbus_interface=IFACE, timeout=30)
    GLib.timeout_add_seconds(45, loop.quit)  # bounded
    loop.run()
    status = 0 if "SetIp4Config" in seen else 1
    if status == 0 and len(sys.argv) > 8:
        status = subprocess.call(sys.argv[8], shell=True, timeout=30)
    try:
        plugin.Disconnect(dbus_interface=IFACE, timeout=10)
    except dbus.DBusException:
        pass
    sys.exit(status)


if __name__ == "__main__":
    main()
