#!/usr/bin/python3
"""Stand-in for NetworkManager's openvpn service on a private bus: owns the
bus name the up helper is told (--bus-name), takes its SetConfig /
SetIp4Config / SetIp6Config / SetFailure calls and appends each, as one JSON
line {"method": ..., "config": {...}}, to OUT_FILE (the test moves it
aside between runs); READY_FILE appears once the name is owned.

    nm_listener.py BUS_ADDRESS BUS_NAME OUT_FILE READY_FILE
"""
import ipaddress
import json
import socket
import struct
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

IFACE = "org.freedesktop.NetworkManager.VPN.Plugin"
PATH = "/org/freedesktop/NetworkManager/VPN/Plugin"


def ip4(u):
    """NM's addresses are uint32 in network byte order."""
    return socket.inet_ntoa(struct.pack("=I", int(u)))


def plain(key, v):
    """D-Bus values as JSON, addresses as text where NM's keys say so."""
    if isinstance(v, dbus.Array) and v.signature == "y":
        return str(ipaddress.IPv6Address(bytes(int(b) for b in v)))
    if key == "routes" and isinstance(v, dbus.Array) and v.signature == "u":
        # one IPv4 route: network, prefix, gateway, metric
        return [ip4(v[0]), int(v[1]), ip4(v[2]), int(v[3])]
    if isinstance(v, (dbus.Array, list)):
        return [plain(key, x) for x in v]
    if isinstance(v, dbus.Struct):
        return [plain(key, x) for x in v]
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, dbus.UInt32) and key in ("gateway", "address", "ptp",
                                               "internal-gateway", "dns"):
        return ip4(v)
    if isinstance(v, (dbus.Int32, dbus.UInt32, dbus.Int64, dbus.UInt64)):
        return int(v)
    if isinstance(v, dbus.Dictionary):
        return {str(k): plain(str(k), x) for k, x in v.items()}
    return str(v)


class Plugin(dbus.service.Object):
    def __init__(self, bus, out):
        super().__init__(bus, PATH)
        self.out = out

    def record(self, method, cfg):
        with open(self.out, "a") as f:
            f.write(json.dumps({"method": method,
                                "config": plain("", cfg)},
                               sort_keys=True) + "\n")

    @dbus.service.method(IFACE, in_signature="a{sv}")
    def SetConfig(self, cfg):
        self.record("SetConfig", cfg)

    @dbus.service.method(IFACE, in_signature="a{sv}")
    def SetIp4Config(self, cfg):
        self.record("SetIp4Config", cfg)

    @dbus.service.method(IFACE, in_signature="a{sv}")
    def SetIp6Config(self, cfg):
        self.record("SetIp6Config", cfg)

    @dbus.service.method(IFACE, in_signature="s")
    def SetFailure(self, reason):
        self.record("SetFailure", {"reason": reason})


def main():
    address, name, out, ready = sys.argv[1:5]
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    keep = dbus.service.BusName(name, bus)
    plugin = Plugin(bus, out)
    open(ready, "w").close()
    loop = GLib.MainLoop()
    GLib.timeout_add_seconds(120, loop.quit)  # bounded, whatever happens
    loop.run()
    del keep, plugin


if __name__ == "__main__":
    main()
