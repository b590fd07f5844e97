;; The CRLF check of crlf.ts, 16 bytes at a time (WebAssembly SIMD): a message is stored with CRLF
;; line ends exactly when every byte's "is LF" equals the byte before's "is CR" (an LF without a
;; CR before it, or a CR without an LF after it, breaks that), so one compare per byte and its
;; neighbour, OR-ed over 64 bytes, finds any break. JavaScript's indexOf per line cost about
;; 0.7 s of CPU per GiB (every message a move reads, every body IMAP fetches); this about 0.2 s.
;;
;; The caller copies a chunk to offset 16 and the byte before it (0 at the start) to offset 15.
;; Assembled into crlf-check-module.ts by build/wasm/assemble.mjs.
(module
  (memory (export "memory") 2)

  ;; Lanes where (m[i..i+16] is LF) differs from (m[i-1..i+15] is CR).
  (func $breaks (param $i i32) (result v128)
    (v128.xor
      (i8x16.eq
        (v128.load (local.get $i))
        (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
      (i8x16.eq
        (v128.load (i32.sub (local.get $i) (i32.const 1)))
        (v128.const i8x16 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13))))

  ;; 1 if some byte i in [16, end) breaks the pairing, else 0.
  (func (export "breaksCrlf") (param $end i32) (result i32)
    (local $i i32)
    (local.set $i (i32.const 16))
    (block $tail
      (loop $vectors
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 64)) (local.get $end)))
        (if (v128.any_true
              (v128.or
                (v128.or
                  (call $breaks (local.get $i))
                  (call $breaks (i32.add (local.get $i) (i32.const 16))))
                (v128.or
                  (call $breaks (i32.add (local.get $i) (i32.const 32)))
                  (call $breaks (i32.add (local.get $i) (i32.const 48))))))
          (then (return (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vectors)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (if (i32.ne
              (i32.eq (i32.load8_u (local.get $i)) (i32.const 10))
              (i32.eq (i32.load8_u (i32.sub (local.get $i) (i32.const 1))) (i32.const 13)))
          (then (return (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bytes)))
    (i32.const 0)))
