/* Reads wall-clock time from the CMOS real-time clock (ports 0x70/0x71). */
#include "arch.h"
#include "cpu.h"

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, int binary)
{
	return binary ? v : (v & 0x0F) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t rtc_unix_time(void)
{
	/* Wait out an update in progress (bounded), then read. */
	for (int i = 0; i < 1000000 && (cmos_read(0x0A) & 0x80); i++)
		;
	uint8_t regb = cmos_read(0x0B);
	int binary = regb & 0x04;
	unsigned sec = bcd(cmos_read(0x00), binary);
	unsigned min = bcd(cmos_read(0x02), binary);
	uint8_t hr = cmos_read(0x04);
	unsigned hour = bcd(hr & 0x7F, binary);
	unsigned day = bcd(cmos_read(0x07), binary);
	unsigned mon = bcd(cmos_read(0x08), binary);
	unsigned year = bcd(cmos_read(0x09), binary) + 2000;
	if (!(regb & 0x02) && (hr & 0x80))
		hour = (hour % 12) + 12; /* 12-hour clock, PM */
	return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	       min * 60 + sec;
}
