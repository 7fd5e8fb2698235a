"""Matrix providers: the offline haversine default and the OSRM table client."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from dispatch import HaversineMatrixProvider, Location, MatrixError, OsrmTableProvider, VehicleType

AMSTERDAM, UTRECHT = Location(52.3731, 4.8922), Location(52.0907, 5.1214)


def test_haversine_applies_detour_and_speed():
    """~35 km great circle x 1.3 detour; a tricycle takes longer than a van."""
    provider = HaversineMatrixProvider()
    metres, van_s = provider.matrix([AMSTERDAM, UTRECHT], VehicleType.VAN)
    _, tricycle_s = provider.matrix([AMSTERDAM, UTRECHT], VehicleType.TRICYCLE)
    assert metres[0][0] == 0
    assert 44_000 < metres[0][1] < 47_000
    assert metres[0][1] == metres[1][0]
    assert tricycle_s[0][1] > van_s[0][1] > 0
    assert all(isinstance(v, int) for row in metres + van_s for v in row)


class _Osrm(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        _Osrm.paths.append(self.path)
        body = {
            "code": "Ok",
            "distances": [[0, 1500.4], [1490.2, 0]],
            "durations": [[0, 100.2], [None, 0]],
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm_url():
    """A tiny OSRM stand-in on 127.0.0.1; never a real host."""
    server = HTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_osrm_table_request_and_parsing(osrm_url):
    """lon,lat order in the URL, both annotations asked, ceil to ints, gaps unreachable."""
    provider = OsrmTableProvider(osrm_url, duration_factor={VehicleType.TRICYCLE: 2.0})
    metres, seconds = provider.matrix([AMSTERDAM, UTRECHT], VehicleType.TRICYCLE)
    assert _Osrm.paths[-1] == (
        "/table/v1/driving/4.892200,52.373100;5.121400,52.090700?annotations=distance,duration"
    )
    assert metres == [[0, 1501], [1491, 0]]
    assert seconds[0][1] == 201
    assert seconds[1][0] >= 10_000_000


def test_osrm_unreachable_server_raises_matrix_error():
    """A dead server is a MatrixError, not a hang or a bare socket error."""
    provider = OsrmTableProvider("http://127.0.0.1:9", timeout_s=1)
    with pytest.raises(MatrixError):
        provider.matrix([AMSTERDAM, UTRECHT], VehicleType.VAN)
