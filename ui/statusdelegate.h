#pragma once

#include <QStyledItemDelegate>

namespace Maskline {

// Paints a session's status as a coloured pill (green open, blue in progress, grey closed, red failed) so the state
// of a long list reads at a glance. The colour comes from StatusRole, the words from the display text.
class StatusDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusDelegate)

public:
    explicit StatusDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QColor colourFor(const QString &status);
};

} // namespace Maskline
