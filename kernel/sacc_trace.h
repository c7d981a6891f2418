/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc - trace events of the engine: a descriptor fetched (submit), completed, or
 * halting its queue (fault). /sys/kernel/tracing/events/sacc/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sacc

#if !defined(_SACC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SACC_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"

TRACE_EVENT(sacc_submit,
	    TP_PROTO(const char *dev, unsigned int queue, u32 index, u8 opcode, u32 len),
	    TP_ARGS(dev, queue, index, opcode, len),
	    TP_STRUCT__entry(__string(dev, dev)
			     __field(unsigned int, queue)
			     __field(u32, index)
			     __field(u8, opcode)
			     __field(u32, len)),
	    TP_fast_assign(sacc_assign_str(dev, dev);
			   __entry->queue = queue;
			   __entry->index = index;
			   __entry->opcode = opcode;
			   __entry->len = len;),
	    TP_printk("%s q%u index=%u opcode=%u len=%u", __get_str(dev), __entry->queue,
		      __entry->index, __entry->opcode, __entry->len)
);

TRACE_EVENT(sacc_complete,
	    TP_PROTO(const char *dev, unsigned int queue, u32 index, u64 bytes),
	    TP_ARGS(dev, queue, index, bytes),
	    TP_STRUCT__entry(__string(dev, dev)
			     __field(unsigned int, queue)
			     __field(u32, index)
			     __field(u64, bytes)),
	    TP_fast_assign(sacc_assign_str(dev, dev);
			   __entry->queue = queue;
			   __entry->index = index;
			   __entry->bytes = bytes;),
	    TP_printk("%s q%u index=%u bytes=%llu", __get_str(dev), __entry->queue,
		      __entry->index, __entry->bytes)
);

TRACE_EVENT(sacc_fault,
	    TP_PROTO(const char *dev, unsigned int queue, u32 index, u8 error),
	    TP_ARGS(dev, queue, index, error),
	    TP_STRUCT__entry(__string(dev, dev)
			     __field(unsigned int, queue)
			     __field(u32, index)
			     __field(u8, error)),
	    TP_fast_assign(sacc_assign_str(dev, dev);
			   __entry->queue = queue;
			   __entry->index = index;
			   __entry->error = error;),
	    TP_printk("%s q%u index=%u error=%#x", __get_str(dev), __entry->queue,
		      __entry->index, __entry->error)
);

#endif /* _SACC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE sacc_trace
#include <trace/define_trace.h>
