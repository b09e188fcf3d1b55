;; Counts the newline bytes (10) in memory[from, to). See ../count-newlines.ts, which holds this module
;; compiled (a test checks that they match). 64 bytes per step: four 16-byte compares, each turned into
;; a 16-bit mask whose set bits are counted; then the last bytes one at a time.
(module
  (memory (export "memory") 6)
  (func (export "count") (param $from i32) (param $to i32) (result i32)
    (local $n i32) (local $nl v128)
    (local.set $nl (i8x16.splat (i32.const 10)))
    (block $done
      (loop $loop
        (br_if $done (i32.gt_u (i32.add (local.get $from) (i32.const 64)) (local.get $to)))
        (local.set $n (i32.add (local.get $n) (i32.add
          (i32.add
            (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load offset=0 (local.get $from)) (local.get $nl))))
            (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load offset=16 (local.get $from)) (local.get $nl)))))
          (i32.add
            (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load offset=32 (local.get $from)) (local.get $nl))))
            (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load offset=48 (local.get $from)) (local.get $nl))))))))
        (local.set $from (i32.add (local.get $from) (i32.const 64)))
        (br $loop)))
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $n (i32.add (local.get $n) (i32.eq (i32.load8_u (local.get $from)) (i32.const 10))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $rest)))
    (local.get $n)))
