"""The bundled demo province 示范省: a deterministic, seeded set of government sites with planted
defects and known answers, served on loopback (one 127.0.0.x address per site).

    from govaudit.demo.province import build_province
    from govaudit.demo.server import DemoServer
"""
