/* COM1 serial port at 0x3F8: the kernel console and the debug console of
 * user programs. 115200 baud, 8N1, polled. */
#include "arch.h"
#include "cpu.h"

#define COM1 0x3F8

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB on */
	outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8 bits, no parity, one stop bit */
	outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	/* Bounded wait for the transmit register: never hang the kernel on a
	 * missing port. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

int serial_getc(void)
{
	if (!(inb(COM1 + 5) & 0x01)) /* line status: data ready */
		return -1;
	return inb(COM1);
}

void machine_exit(int code)
{
	__asm__ volatile("cli");
	outb(0xF4, (uint8_t)code);
	for (;;)
		cpu_halt();
}
