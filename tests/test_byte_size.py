from grok_tui.byte_size import format_size


def test_sizes_show_bytes_under_one_kib_and_one_unit_above() -> None:
    assert format_size(0) == "0 bytes"
    assert format_size(1) == "1 byte"
    assert format_size(73) == "73 bytes"
    assert format_size(1023) == "1023 bytes"
    assert format_size(1024) == "1.0 KiB"
    assert format_size(1536) == "1.5 KiB"
    assert format_size(250_000) == "244 KiB"
    assert format_size(1024 * 1024 - 1) == "1.0 MiB"
    assert format_size(3_500_000) == "3.3 MiB"
    assert format_size(21 * 1024 * 1024) == "21.0 MiB"
