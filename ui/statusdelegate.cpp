#include "statusdelegate.h"

#include <QApplication>
#include <QPainter>

#include "itemroles.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

StatusDelegate::StatusDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QColor StatusDelegate::colourFor(const QString &status)
{
    if (status == u"open"_s) {
        return QColor(0x2e, 0x7d, 0x32);
    }
    if (status == u"in-progress"_s) {
        return QColor(0x15, 0x65, 0xc0);
    }
    if (status == u"failed"_s) {
        return QColor(0xc6, 0x28, 0x28);
    }
    return QColor(0x75, 0x75, 0x75);
}

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QColor colour = colourFor(index.data(StatusRole).toString());
    const QFontMetrics fm(opt.font);
    const int h = fm.height() + 2;
    const int w = fm.horizontalAdvance(text) + 16;
    QRect pill(opt.rect.left() + 4, opt.rect.center().y() - h / 2, w, h);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawRoundedRect(pill, h / 2.0, h / 2.0);
    painter->setPen(Qt::white);
    painter->setFont(opt.font);
    painter->drawText(pill, Qt::AlignCenter, text);
    painter->restore();
}

QSize StatusDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(s.width() + 24);
    return s;
}

} // namespace Maskline
