/* The serial ports, 115200 baud, 8N1, polled. COM1 (0x3F8) is the
 * machine's terminal: programs' own output and all input. COM2 (0x2F8) is
 * the diagnostic log (the kernel's messages, exo_debug_write) when the
 * machine has one; without it the log shares COM1. */
#include "arch.h"
#include "cpu.h"

#define COM1 0x3F8
#define COM2 0x2F8

/* 16550 registers, as offsets from the port's base. */
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define MCR_DTR_RTS 0x03
#define MCR_LOOPBACK 0x10

/* Where each serial_putc channel writes. */
static uint16_t port_of[2] = { COM1, COM1 };

static void uart_setup(uint16_t base)
{
	outb(base + UART_IER, 0x00); /* no interrupts */
	outb(base + UART_LCR, 0x80); /* DLAB on */
	outb(base + UART_DATA, 0x01); /* divisor 1: 115200 baud */
	outb(base + UART_IER, 0x00);
	outb(base + UART_LCR, 0x03); /* 8 bits, no parity, one stop bit */
	outb(base + UART_FCR, 0xC7); /* FIFO on, cleared */
	outb(base + UART_MCR, MCR_DTR_RTS);
}

/* Returns 1 if a 16550 answers at base: its scratch register keeps two
 * patterns (an empty I/O port reads back 0xFF or 0), and a byte sent in
 * loopback mode comes back. Leaves the port set up and its FIFO empty. */
static int uart_present(uint16_t base)
{
	static const uint8_t pattern[2] = { 0x5A, 0xA5 };
	for (int i = 0; i < 2; i++) {
		outb(base + UART_SCR, pattern[i]);
		if (inb(base + UART_SCR) != pattern[i])
			return 0;
	}
	uart_setup(base);
	outb(base + UART_MCR, MCR_LOOPBACK | MCR_DTR_RTS);
	outb(base + UART_DATA, 0xAE);
	int ok = 0;
	for (int i = 0; i < 1000 && !ok; i++)
		ok = (inb(base + UART_LSR) & LSR_DATA_READY) &&
		     inb(base + UART_DATA) == 0xAE;
	outb(base + UART_MCR, MCR_DTR_RTS);
	outb(base + UART_FCR, 0xC7); /* drop whatever the test left */
	return ok;
}

void serial_init(void)
{
	uart_setup(COM1);
	if (uart_present(COM2))
		port_of[SERIAL_LOG] = COM2;
}

void serial_putc(enum serial_chan chan, char c)
{
	uint16_t base = port_of[chan];
	/* Bounded wait for the transmit register: never hang the kernel on a
	 * missing port. */
	for (int i = 0; i < 100000 && !(inb(base + UART_LSR) & LSR_THR_EMPTY); i++)
		;
	outb(base + UART_DATA, (uint8_t)c);
}

int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_DATA);
}

void machine_exit(int code)
{
	__asm__ volatile("cli");
	outb(0xF4, (uint8_t)code);
	for (;;)
		cpu_halt();
}
