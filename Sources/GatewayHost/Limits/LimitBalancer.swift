/// The reservation protocol of a daily counter split into slots, so that concurrent payments against one cap
/// do not all wait for one hot row.
///
/// Each slot row holds what was reserved in it (`amount`, `count`) and its share of the cap (`amount_quota`,
/// `count_quota`). A payment picks a slot at random and reserves in it with one conditional update
/// (`… WHERE amount + x <= amount_quota AND count + 1 <= count_quota AND the caps are the configured ones`):
/// a slot's own share can never be overdrawn, and the shares add up to the cap, so the sum cannot pass it.
/// Only when the slot has no room (or the counter is new that day, or its caps were changed) does the payment
/// lock all the counter's slots and call `rebalance`: the exact sum is checked against the cap — refused only
/// if the payment does not fit in what is left of the whole cap, so a cap is filled to within one payment —
/// and what is left is shared out again, evenly. A release (decline, not processed) subtracts from the slot it
/// was reserved in; its share stays, so the room is there for the next payment that picks the slot.
enum LimitBalancer {
    /// One slot as stored.
    struct Slot: Sendable, Equatable {
        var slot: Int
        var amount: Int64
        var count: Int64
    }

    /// A slot's new share.
    struct Quota: Sendable, Equatable {
        var slot: Int
        var amountQuota: Int64
        var countQuota: Int64
    }

    /// The new shares of every slot once `amount` (and a count of one) is added to slot `chosen`, or the cap it
    /// would pass. `slots` must include `chosen`.
    static func rebalance(
        _ slots: [Slot], capAmount: Int64?, capCount: Int64?, adding amount: Int64, at chosen: Int
    ) -> Result<[Quota], Passed> {
        let usedAmount = slots.reduce(Int64(0)) { $0 + $1.amount }
        let usedCount = slots.reduce(Int64(0)) { $0 + $1.count }
        if let capCount, usedCount + 1 > capCount { return .failure(.count) }
        if let capAmount, usedAmount + amount > capAmount { return .failure(.amount) }
        let n = Int64(max(slots.count, 1))
        let leftAmount = capAmount.map { $0 - usedAmount - amount }
        let leftCount = capCount.map { $0 - usedCount - 1 }
        return .success(
            slots.map { slot in
                let isChosen = slot.slot == chosen
                let amountQuota = leftAmount.map { left in
                    slot.amount + (isChosen ? amount + left % n : 0) + left / n
                } ?? LimitHold.unlimited
                let countQuota = leftCount.map { left in
                    slot.count + (isChosen ? 1 + left % n : 0) + left / n
                } ?? LimitHold.unlimited
                return Quota(slot: slot.slot, amountQuota: amountQuota, countQuota: countQuota)
            })
    }

    /// Which cap a reservation would pass.
    enum Passed: Error, Sendable, Equatable {
        case amount
        case count
    }
}
